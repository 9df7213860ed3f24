OK_FORMAT = True

test = {   'name': 'q4',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> parts = train_test_validation_split(np.zeros((100, 2)), np.zeros(100), 0.2, 0.1)\n'
                                               '>>> assert len(parts) == 6\n'
                                               '>>> assert [len(p) for p in parts] == [70, 10, 20, 70, 10, 20]\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q9',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': ">>> assert set(accuracies) == {'train', 'validation', 'test'}\n"
                                               '>>> assert all((0.0 <= value <= 1.0 for value in accuracies.values()))\n'
                                               '>>> assert np.isclose(baseline_accuracy, 0.1)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

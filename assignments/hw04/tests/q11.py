OK_FORMAT = True

test = {   'name': 'q11',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> assert set(val_scores) == set(CANDIDATES) and best_name in CANDIDATES\n>>> assert 0 < test_accuracy < 1\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

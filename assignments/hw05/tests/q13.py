OK_FORMAT = True

test = {   'name': 'q13',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert set(search_results) == set(CONFIGS) and best_config in CONFIGS\n>>> assert 0.5 < digits_test_accuracy <= 1.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

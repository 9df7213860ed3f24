OK_FORMAT = True

test = {   'name': 'q8',
    'points': 3,
    'suites': [   {   'cases': [{'code': '>>> assert best_C in Cs\n>>> assert isinstance(best_C, float)\n', 'hidden': False, 'locked': False, 'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

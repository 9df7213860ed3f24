OK_FORMAT = True

test = {   'name': 'q9',
    'points': 2,
    'suites': [   {   'cases': [{'code': '>>> assert 0.8 <= softmax_test_accuracy <= 1.0 and 0.8 <= sklearn_test_accuracy <= 1.0\n', 'hidden': False, 'locked': False, 'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

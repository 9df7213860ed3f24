OK_FORMAT = True

test = {   'name': 'q9',
    'points': 3,
    'suites': [   {   'cases': [{'code': '>>> assert final_model.coef_.shape == (10, 784)\n>>> assert 0.0 <= final_accuracy <= 1.0\n', 'hidden': False, 'locked': False, 'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q11',
    'points': 2,
    'suites': [   {   'cases': [{'code': '>>> assert isinstance(mlp, MLPClassifier)\n>>> assert 0.0 <= mlp_val_accuracy <= 1.0\n', 'hidden': False, 'locked': False, 'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

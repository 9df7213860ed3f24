OK_FORMAT = True

test = {   'name': 'q3',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> assert isinstance(scaler, StandardScaler)\n'
                                               '>>> assert scaler.mean_.shape == (784,)\n'
                                               '>>> assert X_train_std.shape == (38400, 784) and X_test_std.shape == (12000, 784)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

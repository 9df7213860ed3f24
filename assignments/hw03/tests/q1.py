OK_FORMAT = True

test = {   'name': 'q1',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> assert X_all.shape == (len(y_all), 784) and X_all.dtype == np.float64\n'
                                               '>>> assert X_all.min() >= 0.0 and X_all.max() <= 1.0\n'
                                               '>>> assert len(train_idx) == 1500 and len(test_idx) == 1000\n'
                                               '>>> assert X_train.shape == (1500, 784) and X_test.shape == (1000, 784)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

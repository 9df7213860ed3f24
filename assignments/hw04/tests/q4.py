OK_FORMAT = True

test = {   'name': 'q4',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert tuple(X_all.shape) == (5000, 3, 32, 32) and X_all.dtype == torch.float32\n'
                                               '>>> assert tuple(y_test.shape) == (2000,) and y_test.dtype == torch.int64\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

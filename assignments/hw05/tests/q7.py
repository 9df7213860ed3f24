OK_FORMAT = True

test = {   'name': 'q7',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> g = cross_entropy_gradient(X_iris_train, one_hot(y_iris_train, 3), np.zeros((5, 3)))\n>>> assert g.shape == (5, 3)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

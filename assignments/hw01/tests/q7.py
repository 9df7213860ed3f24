OK_FORMAT = True

test = {   'name': 'q7',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> grad = binary_cross_entropy_derivative(np.ones((4, 3)), np.array([1, 0, 1, 0]), np.zeros(3))\n>>> assert grad.shape == (3,)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

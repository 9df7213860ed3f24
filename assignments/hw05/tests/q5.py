OK_FORMAT = True

test = {   'name': 'q5',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> P = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))\n'
                                               '>>> assert P.shape == (2, 3) and np.allclose(P.sum(axis=1), 1.0) and np.allclose(P[1], 1 / 3)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q6',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert np.array_equal(one_hot(np.array([0, 2]), 3), np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]))\n'
                                               '>>> assert np.isclose(cross_entropy(one_hot(np.array([0]), 2), np.array([[0.5, 0.5]])), np.log(2))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q6',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert np.isclose(binary_cross_entropy(np.array([1, 0]), np.array([0.9, 0.1])), -np.log(0.9))\n'
                                               '>>> assert np.ndim(binary_cross_entropy(np.array([1, 0, 1]), np.array([0.5, 0.5, 0.5]))) == 0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

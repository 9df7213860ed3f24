OK_FORMAT = True

test = {   'name': 'q5',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert np.isclose(sigmoid(0.0), 0.5)\n'
                                               '>>> assert np.allclose(sigmoid(np.array([-1.0, 0.0, 1.0])), [0.26894142, 0.5, 0.73105858])\n'
                                               '>>> assert sigmoid(np.zeros((3, 2))).shape == (3, 2)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

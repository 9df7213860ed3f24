OK_FORMAT = True

test = {   'name': 'q3',
    'points': 1,
    'suites': [   {   'cases': [{'code': '>>> Xb = bias_trick(np.zeros((5, 3)))\n>>> assert Xb.shape == (5, 4)\n>>> assert np.all(Xb[:, 0] == 1)\n', 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

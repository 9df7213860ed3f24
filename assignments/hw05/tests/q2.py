OK_FORMAT = True

test = {   'name': 'q2',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> tiny_X = np.random.default_rng(0).integers(0, 256, size=(3, 784))\n'
                                               '>>> tiny_aug, tiny_y = augment(tiny_X, np.array([4, 5, 6]))\n'
                                               '>>> assert tiny_aug.shape == (15, 784) and tiny_y.shape == (15,)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

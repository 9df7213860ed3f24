OK_FORMAT = True

test = {   'name': 'q12',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> sample_set = DigitsDataset(np.full((3, 64), 16.0), np.array([1, 2, 3]))\n'
                                               '>>> assert len(sample_set) == 3 and torch.allclose(sample_set[0][0], torch.ones(64))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

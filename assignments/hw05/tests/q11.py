OK_FORMAT = True

test = {   'name': 'q11',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> dense = DenseParameter(4, 3)\n'
                                               '>>> assert tuple(dense(torch.zeros(2, 4)).shape) == (2, 3)\n'
                                               '>>> assert tuple(DenseSequential(4, 3)(torch.zeros(2, 4)).shape) == (2, 3)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

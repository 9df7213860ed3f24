OK_FORMAT = True

test = {   'name': 'q6',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert mlp_parameters == 1707274\n>>> assert tuple(MLPClassifier()(torch.zeros(2, 3, 32, 32)).shape) == (2, 10)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

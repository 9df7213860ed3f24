OK_FORMAT = True

test = {   'name': 'q5',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert linear_parameters == 30730\n>>> assert tuple(LinearClassifier()(torch.zeros(4, 3, 32, 32)).shape) == (4, 10)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

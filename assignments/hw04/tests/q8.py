OK_FORMAT = True

test = {   'name': 'q8',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> acc = evaluate_model(LinearClassifier(), TensorDataset(torch.zeros(10, 3, 32, 32), torch.arange(10)))\n'
                                               '>>> assert isinstance(acc, float) and 0.0 <= acc <= 1.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

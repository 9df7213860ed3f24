OK_FORMAT = True

test = {   'name': 'q13',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> model = build_mlp()\n'
                                               '>>> assert sum((p.numel() for p in model.parameters())) == 78601\n'
                                               '>>> with torch.no_grad():\n'
                                               '...     out = model(torch.zeros(3, 784))\n'
                                               '>>> assert tuple(out.shape) == (3, 1)\n'
                                               '>>> assert torch.all((out > 0) & (out < 1))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q2',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert isinstance(w_grad, float) and isinstance(b_grad, float)\n>>> assert np.allclose([w_grad, b_grad], mse_gradients(x, y, 0.5, -1.0))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

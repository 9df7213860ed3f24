OK_FORMAT = True

test = {   'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> dw, db = mse_gradients(np.array([1.0, 2.0]), np.array([1.0, 2.0]), 1.0, 0.0)\n'
                                               '>>> assert isinstance(dw, float) and isinstance(db, float)\n'
                                               '>>> assert dw == 0.0 and db == 0.0\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

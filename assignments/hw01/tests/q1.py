OK_FORMAT = True

test = {   'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert X_all.shape == (60000, 784)\n'
                                               '>>> assert X_all.dtype == np.float64\n'
                                               '>>> assert 0.0 <= X_all.min() and X_all.max() <= 1.0\n'
                                               '>>> assert np.allclose(X_all[:5], images[:5].reshape(5, 784) / 255)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

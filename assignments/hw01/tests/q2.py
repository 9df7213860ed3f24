OK_FORMAT = True

test = {   'name': 'q2',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert X_tb.shape == (12000, 784) and X_pc.shape == (12000, 784)\n>>> assert set(np.unique(y_tb)) == {0, 1} and set(np.unique(y_pc)) == {0, 1}\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

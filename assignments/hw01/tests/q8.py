OK_FORMAT = True

test = {   'name': 'q8',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert np.issubdtype(np.asarray(predict(np.array([0.2, 0.7]))).dtype, np.integer)\n'
                                               '>>> assert list(predict(np.array([0.2, 0.7]))) == [0, 1]\n'
                                               '>>> assert np.isclose(accuracy(np.array([1, 0, 1, 1]), np.array([1, 1, 1, 1])), 0.75)\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

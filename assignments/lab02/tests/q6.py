OK_FORMAT = True

test = {   'name': 'q6',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert coef_shape == (10, 784)\n>>> assert intercept_shape == (10,)\n>>> assert set(logreg.classes_) == set(CLASS_NAMES)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

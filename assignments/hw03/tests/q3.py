OK_FORMAT = True

test = {   'name': 'q3',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': ">>> model = make_model('l2', 0.5)\n"
                                               '>>> assert isinstance(model, LogisticRegression)\n'
                                               ">>> assert model.solver == 'saga' and model.tol == 0.005 and (model.C == 0.5)\n"
                                               ">>> assert not hasattr(model, 'coef_')\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q5',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert len(results) == 8 and len(models) == 8\n'
                                               ">>> assert results['train_auc'].between(0, 1).all() and results['test_auc'].between(0, 1).all()\n"
                                               ">>> assert results['test_auc'].max() > 0.9\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

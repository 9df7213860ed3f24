OK_FORMAT = True

test = {   'name': 'q4',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> from sklearn.datasets import make_classification\n'
                                               '>>> Xs, ys = make_classification(n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0)\n'
                                               ">>> small_grid = pd.DataFrame({'penalty': ['l2', 'l2'], 'C': [0.1, 1.0]})\n"
                                               '>>> small_results, small_models = evaluate_grid(small_grid, Xs[:80], ys[:80], Xs[80:], ys[80:])\n'
                                               ">>> assert {'penalty', 'C', 'train_auc', 'test_auc'} <= set(small_results.columns)\n"
                                               '>>> assert len(small_results) == 2 and len(small_models) == 2\n'
                                               ">>> assert small_results['test_auc'].between(0, 1).all()\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

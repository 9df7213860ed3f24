OK_FORMAT = True

test = {   'name': 'q9',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> rng = np.random.default_rng(0)\n'
                                               '>>> Xs = np.hstack([np.ones((20, 1)), rng.normal(size=(20, 2))])\n'
                                               '>>> ys = (Xs[:, 1] > 0).astype(int)\n'
                                               '>>> theta_s, history_s = logistic_regression(Xs, ys, Xs, ys, 0.1, 5)\n'
                                               '>>> assert theta_s.shape == (3,)\n'
                                               ">>> assert set(history_s) == {'train_loss', 'val_loss', 'train_accuracy', 'val_accuracy'}\n"
                                               '>>> assert all((len(v) == 5 for v in history_s.values()))\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

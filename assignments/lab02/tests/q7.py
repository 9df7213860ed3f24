OK_FORMAT = True

test = {   'name': 'q7',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': ">>> assert list(sweep_results.columns) == ['C', 'train_accuracy', 'val_accuracy', 'val_log_loss']\n"
                                               ">>> assert sweep_results['C'].tolist() == Cs\n"
                                               ">>> assert sweep_results['val_log_loss'].gt(0).all()\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

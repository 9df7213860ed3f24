OK_FORMAT = True

test = {   'name': 'q8',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': ">>> assert Theta_iris.shape == (5, 3)\n>>> assert len(iris_history['train_loss']) == len(iris_history['val_loss']) <= 5000\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

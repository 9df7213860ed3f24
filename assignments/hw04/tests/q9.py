OK_FORMAT = True

test = {   'name': 'q9',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': ">>> assert len(mlp_history['loss']) == 20 and len(linear_history['accuracy']) == 20\n"
                                               '>>> assert 0 <= mlp_heldout_accuracy <= 1 and 0 <= linear_heldout_accuracy <= 1\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

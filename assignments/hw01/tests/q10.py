OK_FORMAT = True

test = {   'name': 'q10',
    'points': 2,
    'suites': [   {   'cases': [{'code': ">>> assert theta_tb.shape == (785,)\n>>> assert history_tb['val_accuracy'][-1] > 0.9\n", 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

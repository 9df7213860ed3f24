OK_FORMAT = True

test = {   'name': 'q11',
    'points': 2,
    'suites': [   {   'cases': [{'code': ">>> assert theta_pc.shape == (785,)\n>>> assert len(history_pc['val_accuracy']) == 100\n", 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

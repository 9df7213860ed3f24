OK_FORMAT = True

test = {   'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> dot = np.zeros((28, 28))\n'
                                               '>>> dot[10, 10] = 1.0\n'
                                               '>>> moved = shift_image(dot, 1, 0)\n'
                                               '>>> assert moved.shape == (28, 28) and moved[10, 11] == 1.0 and (moved.sum() == 1.0)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

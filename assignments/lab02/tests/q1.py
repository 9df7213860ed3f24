OK_FORMAT = True

test = {   'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert images_train.shape == (38400, 28, 28)\n'
                                               '>>> assert (len(images_val), len(images_test)) == (9600, 12000)\n'
                                               '>>> assert (len(y_train), len(y_val), len(y_test)) == (38400, 9600, 12000)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q10',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert cm.shape == (10, 10)\n>>> assert len(confused_pair) == 2 and set(confused_pair) <= set(CLASS_NAMES)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q3',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> assert len(losses) == 200 and isinstance(losses[0], float)\n>>> assert abs(w_fit - 3) < 0.3 and abs(b_fit - 2) < 0.3\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

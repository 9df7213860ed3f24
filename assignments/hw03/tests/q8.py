OK_FORMAT = True

test = {   'name': 'q8',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': ">>> assert isinstance(best, pd.Series)\n>>> assert best_penalty in ('l1', 'l2') and best_C in list(grid['C'])\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

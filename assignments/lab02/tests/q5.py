OK_FORMAT = True

test = {   'name': 'q5',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> assert reviews_bow.shape == (3, 10)\n'
                                               '>>> assert list(reviews_bow.columns) == sorted(reviews_bow.columns)\n'
                                               ">>> assert reviews_bow.loc[0, 'warm'] == 2\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q4',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': ">>> assert list(clothes_one_hot.columns) == ['item', 'price', 'colour_black', 'colour_blue', 'colour_red']\n"
                                               '>>> assert clothes_one_hot.shape == (5, 5)\n',
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

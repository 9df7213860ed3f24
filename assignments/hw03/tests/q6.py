OK_FORMAT = True

test = {   'name': 'q6',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': ">>> assert isinstance(test_table, pd.DataFrame) and test_table.shape == (2, 4)\n>>> assert sorted(test_table.index) == ['l1', 'l2']\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

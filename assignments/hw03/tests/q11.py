OK_FORMAT = True

test = {   'name': 'q11',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': ">>> pipe = build_pipeline('l1', 1.0)\n"
                                               '>>> assert isinstance(pipe, Pipeline) and len(pipe.steps) == 2\n'
                                               '>>> assert isinstance(pipe[0], StandardScaler) and isinstance(pipe[-1], LogisticRegression)\n'
                                               ">>> assert pipe[-1].C == 1.0 and pipe[-1].solver == 'saga'\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

OK_FORMAT = True

test = {   'name': 'q7',
    'points': 4,
    'suites': [   {   'cases': [   {   'code': '>>> tiny = TensorDataset(torch.randn(12, 3, 32, 32), torch.arange(12) % 10)\n'
                                               '>>> history = train_model(LinearClassifier(), tiny, num_epochs=2, batch_size=4, learning_rate=0.01)\n'
                                               ">>> assert set(history) == {'loss', 'accuracy'} and len(history['loss']) == 2 and (len(history['accuracy']) == 2)\n",
                                       'hidden': False,
                                       'locked': False,
                                       'points': 1}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}

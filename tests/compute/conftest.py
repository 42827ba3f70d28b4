from hypothesis import settings

# first examples may import torch/transformers (slow, once); keep property runs short on 2 cores
settings.register_profile("compute", deadline=None, max_examples=60, derandomize=True)
settings.load_profile("compute")

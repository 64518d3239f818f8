"""Rule plot_jet_images: Fig. 1, from the point clouds of the train split."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import average_jet_images
from massgen.plots.figures import fig1_jet_images, save

keys = map(tuple, snakemake.params.image_keys)
images = {
    (mass, zoom): average_jet_images(directory, zoom)
    for (mass, zoom), directory in zip(keys, snakemake.input.datasets, strict=True)
}
save(fig1_jet_images(images, snakemake.params.sqrt_s), *snakemake.output)

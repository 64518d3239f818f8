"""Rule plot_jet_images: Fig. 1."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.figures import fig1_jet_images, save

images = dict(zip(map(tuple, snakemake.params.image_keys), snakemake.input.images, strict=True))
save(fig1_jet_images(images, snakemake.params.sqrt_s), *snakemake.output)

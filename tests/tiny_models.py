"""Tiny random-weight diffusers pipelines, built offline and saved with `save_pretrained`, so the
backends load them through the same `from_pretrained(model_id)` code a user runs with a hub id.
Shapes follow diffusers' own `get_dummy_components`; tokenizers are trained in-process (the hub's
tiny test tokenizers cannot be fetched here)."""

from __future__ import annotations

from pathlib import Path

CORPUS = ["a shirt of fog at a night market", "herbs growing out of cloth", "a field floating between sea and shore",
          "a sickle of leather", "medium shot, low angle, push in", "text, watermark, logo", "cold blue light"] * 8


def t5(width: int = 32, umt5: bool = False):
    import torch
    from transformers import T5Config, T5EncoderModel, T5Tokenizer, UMT5Config, UMT5EncoderModel

    tokenizer = T5Tokenizer(extra_ids=0).train_new_from_iterator(CORPUS, vocab_size=128)
    tokenizer.model_max_length = 32
    torch.manual_seed(0)
    cfg = dict(vocab_size=max(128, len(tokenizer)), d_model=width, d_ff=37, d_kv=8, num_layers=2, num_heads=4,
               relative_attention_num_buckets=8, dropout_rate=0.0, pad_token_id=tokenizer.pad_token_id,
               eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=0)
    encoder = UMT5EncoderModel(UMT5Config(**cfg)) if umt5 else T5EncoderModel(T5Config(**cfg))
    return tokenizer, encoder.eval()


def clip_text(width: int = 32):
    import torch
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizerFast

    tokenizer = CLIPTokenizerFast(model_max_length=77).train_new_from_iterator(CORPUS, vocab_size=300)
    torch.manual_seed(0)
    cfg = CLIPTextConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, hidden_size=width,
                         intermediate_size=37, layer_norm_eps=1e-05, num_attention_heads=4, num_hidden_layers=2,
                         pad_token_id=tokenizer.pad_token_id, vocab_size=max(300, len(tokenizer)),
                         max_position_embeddings=77)
    return tokenizer, CLIPTextModel(cfg).eval()


def ltx(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel

    tokenizer, encoder = t5(32)
    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                        num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                        num_layers=1, caption_channels=32)
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                decoder_block_out_channels=(8, 8, 8, 8),  # the default decoder is full size
                                spatio_temporal_scaling=(True, True, False, False),
                                decoder_spatio_temporal_scaling=(True, True, False, False),
                                layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1, 1),
                                patch_size=1, patch_size_t=1, encoder_causal=True, decoder_causal=False)
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=encoder, tokenizer=tokenizer)
    pipe.save_pretrained(folder)
    return folder


def wan(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    tokenizer, encoder = t5(32, umt5=True)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                        in_channels=16, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                                        num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                        rope_max_seq_len=32)
    pipe = WanPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
                       text_encoder=encoder, tokenizer=tokenizer)
    pipe.save_pretrained(folder)
    return folder


def cogvideox(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKLCogVideoX, CogVideoXDDIMScheduler, CogVideoXPipeline, CogVideoXTransformer3DModel

    tokenizer, encoder = t5(32)
    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=4, attention_head_dim=8, in_channels=4,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=32, num_layers=1,
                                              sample_width=2, sample_height=2, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16)
    torch.manual_seed(0)
    vae = AutoencoderKLCogVideoX(in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
                                 up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
                                 latent_channels=4, layers_per_block=1, norm_num_groups=2,
                                 temporal_compression_ratio=4)
    pipe = CogVideoXPipeline(tokenizer=tokenizer, text_encoder=encoder, vae=vae, transformer=transformer,
                             scheduler=CogVideoXDDIMScheduler())
    pipe.save_pretrained(folder)
    return folder


def stable_diffusion(folder: Path) -> Path:
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel

    tokenizer, encoder = clip_text(32)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(block_out_channels=(4, 8), layers_per_block=1, sample_size=32, in_channels=4,
                                out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32,
                                norm_num_groups=2)
    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=[4, 8], in_channels=3, out_channels=3,
                        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"], latent_channels=4, norm_num_groups=2)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=encoder, tokenizer=tokenizer,
                                   scheduler=EulerDiscreteScheduler(), safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return folder

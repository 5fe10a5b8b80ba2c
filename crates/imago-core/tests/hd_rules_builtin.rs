//! The built-in HD rules against thumbnail / original pairs of the shapes each service
//! really serves, and against look-alikes that must be left alone.

use imago_core::hdrules::{HdRules, Rewrite};

fn candidates(url: &str) -> Vec<Rewrite> {
    HdRules::builtin().candidates(url)
}

fn urls(url: &str) -> Vec<String> {
    candidates(url).into_iter().map(|r| r.url).collect()
}

/// The first candidate is `full`, made by `rule`.
#[track_caller]
fn first(thumb: &str, full: &str, rule: &str) {
    let got = candidates(thumb);
    match got.first() {
        Some(best) => {
            assert_eq!(best.url, full, "best candidate of {thumb}; all: {got:#?}");
            assert_eq!(best.rule, rule, "rule of the best candidate of {thumb}");
        }
        None => panic!("no candidate for {thumb}, expected {full}"),
    }
}

/// `full` is among the candidates.
#[track_caller]
fn contains(thumb: &str, full: &str) {
    let got = urls(thumb);
    assert!(
        got.iter().any(|u| u == full),
        "{full} missing from candidates of {thumb}: {got:#?}"
    );
}

/// The candidates are exactly `expected`, in order.
#[track_caller]
fn exactly(thumb: &str, expected: &[&str]) {
    assert_eq!(urls(thumb), expected, "candidates of {thumb}");
}

#[track_caller]
fn none(url: &str) {
    let got = candidates(url);
    assert!(
        got.is_empty(),
        "expected no candidate for {url}, got {got:#?}"
    );
}

#[test]
fn alicdn_taobao_tmall_size_and_webp_suffixes() {
    first(
        "https://img.alicdn.com/imgextra/i4/2206686532409/O1CN01vQ3mFz1TfMnmE2Jbx_!!2206686532409.jpg_430x430q90.jpg",
        "https://img.alicdn.com/imgextra/i4/2206686532409/O1CN01vQ3mFz1TfMnmE2Jbx_!!2206686532409.jpg",
        "alicdn",
    );
    // Three suffixes stacked: size+quality, then the webp conversion.
    first(
        "https://gw.alicdn.com/bao/uploaded/i1/1917047079/O1CN01Ab3xYz22AEz9kXq8S_!!1917047079.jpg_220x220q90.jpg_.webp",
        "https://gw.alicdn.com/bao/uploaded/i1/1917047079/O1CN01Ab3xYz22AEz9kXq8S_!!1917047079.jpg",
        "alicdn",
    );
    first(
        "https://img.alicdn.com/imgextra/i2/725677994/O1CN01kpZ7Nq28vIkT0DlWx_!!725677994.png_.webp",
        "https://img.alicdn.com/imgextra/i2/725677994/O1CN01kpZ7Nq28vIkT0DlWx_!!725677994.png",
        "alicdn",
    );
}

#[test]
fn alicdn_aliexpress_and_1688() {
    first(
        "https://ae01.alicdn.com/kf/S8f4d6c3e1b2a4f7c9d0e8b7a6c5d4e3fK.jpg_640x640q75.jpg_.avif",
        "https://ae01.alicdn.com/kf/S8f4d6c3e1b2a4f7c9d0e8b7a6c5d4e3fK.jpg",
        "alicdn",
    );
    first(
        "https://ae-pic-a1.aliexpress-media.com/kf/Hc1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6Q.jpg_Q90.jpg_.webp",
        "https://ae-pic-a1.aliexpress-media.com/kf/Hc1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6Q.jpg",
        "alicdn",
    );
    // 1688 puts the size between dots.
    first(
        "https://cbu01.alicdn.com/img/ibank/O1CN01ZxwY3v1Bs2kLmNoPq_!!2215374036987-0-cib.220x220.jpg",
        "https://cbu01.alicdn.com/img/ibank/O1CN01ZxwY3v1Bs2kLmNoPq_!!2215374036987-0-cib.jpg",
        "alicdn",
    );
    first(
        "https://cbu01.alicdn.com/img/ibank/2019/123/456/11223344556_1234567890.search.jpg",
        "https://cbu01.alicdn.com/img/ibank/2019/123/456/11223344556_1234567890.jpg",
        "alicdn",
    );
    // A query string is a processing instruction too.
    first(
        "https://img.alicdn.com/imgextra/i3/O1CN01qWeRtY1abc.jpg?x-oss-process=image/resize,w_200",
        "https://img.alicdn.com/imgextra/i3/O1CN01qWeRtY1abc.jpg",
        "alicdn",
    );
}

#[test]
fn alicdn_leaves_originals_and_other_hosts_alone() {
    none("https://img.alicdn.com/imgextra/i4/2206686532409/O1CN01vQ3mFz1TfMnmE2Jbx_!!2206686532409.jpg");
    // Same shape, another host.
    none("https://img.example.com/imgextra/i4/O1CN01vQ3mFz1TfMnmE2Jbx.jpg_430x430q90.jpg");
    // Looks like alicdn but is not a subdomain of it.
    none("https://img.alicdn.com.example.net/i4/O1CN01.jpg_430x430q90.jpg");
    none("https://notalicdn.com/i4/O1CN01.jpg_430x430q90.jpg");
}

#[test]
fn amazon_tokens_are_removed() {
    first(
        "https://m.media-amazon.com/images/I/71Xk1yJYWUL._AC_SX300_SY300_QL70_FMwebp_.jpg",
        "https://m.media-amazon.com/images/I/71Xk1yJYWUL.jpg",
        "amazon",
    );
    first(
        "https://images-na.ssl-images-amazon.com/images/I/51Zy9hWjAjL._SL500_.jpg",
        "https://images-na.ssl-images-amazon.com/images/I/51Zy9hWjAjL.jpg",
        "amazon",
    );
    first(
        "https://m.media-amazon.com/images/I/41q+3kB1YHL._AC_US40_.jpg",
        "https://m.media-amazon.com/images/I/41q+3kB1YHL.jpg",
        "amazon",
    );
    first(
        "https://m.media-amazon.com/images/I/31fQb2pGmQL._SX38_SY50_CR,0,0,38,50_.jpg",
        "https://m.media-amazon.com/images/I/31fQb2pGmQL.jpg",
        "amazon",
    );
    first(
        "https://images-eu.ssl-images-amazon.com/images/I/61bK6PMOC3L._AC_UL320_.png",
        "https://images-eu.ssl-images-amazon.com/images/I/61bK6PMOC3L.png",
        "amazon",
    );
}

#[test]
fn amazon_originals_and_look_alikes() {
    none("https://m.media-amazon.com/images/I/71Xk1yJYWUL.jpg");
    none("https://cdn.example.com/images/I/71Xk1yJYWUL._AC_SX300_.jpg");
}

#[test]
fn imdb_keeps_the_v1_marker() {
    first(
        "https://m.media-amazon.com/images/M/MV5BMTMxNTMwODM0NF5BMl5BanBnXkFtZTcwODAyMTk2Mw@@._V1_QL75_UX190_CR0,0,190,281_.jpg",
        "https://m.media-amazon.com/images/M/MV5BMTMxNTMwODM0NF5BMl5BanBnXkFtZTcwODAyMTk2Mw@@._V1_.jpg",
        "imdb",
    );
}

#[test]
fn goodreads_covers_use_amazon_tokens() {
    first(
        "https://i.gr-assets.com/images/S/compressed.photo.goodreads.com/books/1546071216i/5907._SY75_.jpg",
        "https://i.gr-assets.com/images/S/compressed.photo.goodreads.com/books/1546071216i/5907.jpg",
        "amazon",
    );
}

#[test]
fn pinterest_sizes_go_to_originals() {
    let hash = "0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c";
    for size in ["236x", "474x", "736x", "75x75_RS", "564x"] {
        first(
            &format!("https://i.pinimg.com/{size}/{hash}.jpg"),
            &format!("https://i.pinimg.com/originals/{hash}.jpg"),
            "pinterest",
        );
    }
    // A PNG or GIF pin has .jpg thumbnails: its original is tried too, then 1200x.
    exactly(
        &format!("https://i.pinimg.com/236x/{hash}.jpg"),
        &[
            &format!("https://i.pinimg.com/originals/{hash}.jpg"),
            &format!("https://i.pinimg.com/originals/{hash}.png"),
            &format!("https://i.pinimg.com/originals/{hash}.gif"),
            &format!("https://i.pinimg.com/1200x/{hash}.jpg"),
        ],
    );
    contains(
        &format!("https://i.pinimg.com/474x/{hash}.jpg"),
        &format!("https://i.pinimg.com/originals/{hash}.png"),
    );
    none(&format!("https://i.pinimg.com/originals/{hash}.jpg"));
    none(&format!("https://i.example.com/236x/{hash}.jpg"));
}

#[test]
fn twitter_name_param_becomes_orig() {
    first(
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=small",
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=orig",
        "twitter",
    );
    first(
        "https://pbs.twimg.com/media/GBa9dPqXoAAcD3e?format=png&name=900x900",
        "https://pbs.twimg.com/media/GBa9dPqXoAAcD3e?format=png&name=orig",
        "twitter",
    );
    first(
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg",
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=orig",
        "twitter-no-name",
    );
    none("https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=orig");
    // `name=orig` on another host means nothing.
    none("https://images.example.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=small");
}

#[test]
fn twitter_legacy_colon_suffix() {
    exactly(
        "https://pbs.twimg.com/media/DmVx2kBW4AAz9Qe.jpg:small",
        &[
            "https://pbs.twimg.com/media/DmVx2kBW4AAz9Qe?format=jpg&name=orig",
            "https://pbs.twimg.com/media/DmVx2kBW4AAz9Qe.jpg:orig",
        ],
    );
    first(
        "https://pbs.twimg.com/media/DmVx2kBW4AAz9Qe.png",
        "https://pbs.twimg.com/media/DmVx2kBW4AAz9Qe?format=png&name=orig",
        "twitter-legacy",
    );
}

#[test]
fn twitter_avatars_and_banners() {
    exactly(
        "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg",
        &[
            "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO.jpg",
            "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_400x400.jpg",
        ],
    );
    first(
        "https://pbs.twimg.com/profile_banners/783214/1646075315/600x200",
        "https://pbs.twimg.com/profile_banners/783214/1646075315",
        "twitter-banner",
    );
}

#[test]
fn google_user_content_size_parameters() {
    exactly(
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s320",
        &[
            "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s0",
            "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s16383",
        ],
    );
    first(
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=w400-h300-p-k-no-nu",
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s0",
        "google-size-param",
    );
    first(
        "https://yt3.ggpht.com/ytc/AIdro_kX4Xy9Yb0CkV1n8pQ7Wz3aB5cD6eF7gH8=s88-c-k-c0x00ffffff-no-rj",
        "https://yt3.ggpht.com/ytc/AIdro_kX4Xy9Yb0CkV1n8pQ7Wz3aB5cD6eF7gH8=s0",
        "google-size-param",
    );
    // Google Photos shares carry a query after the options.
    first(
        "https://lh3.googleusercontent.com/pw/AP1GczNx7Yq2LmZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ=w1920-h1080-s-no-gm?authuser=0",
        "https://lh3.googleusercontent.com/pw/AP1GczNx7Yq2LmZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ=s0?authuser=0",
        "google-size-param",
    );
    // No size at all serves 512 px.
    first(
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012",
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s0",
        "google-no-size",
    );
    none("https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s0");
    none("https://lh3.example.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s320");
}

#[test]
fn blogger_size_path_segments() {
    first(
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEiT3kQx9ZpLm/s320/beach.jpg",
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEiT3kQx9ZpLm/s0/beach.jpg",
        "google-size-path",
    );
    first(
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEiT3kQx9ZpLm/w400-h300-c/beach.jpg",
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEiT3kQx9ZpLm/s0/beach.jpg",
        "google-size-path",
    );
    exactly(
        "https://1.bp.blogspot.com/-AbCdEfGhIjk/XyZ123AbCdI/AAAAAAAAB2c/qRsTuVwXyZ0abcDEFgh/s1600-h/photo.jpg",
        &[
            "https://1.bp.blogspot.com/-AbCdEfGhIjk/XyZ123AbCdI/AAAAAAAAB2c/qRsTuVwXyZ0abcDEFgh/s0/photo.jpg",
            "https://1.bp.blogspot.com/-AbCdEfGhIjk/XyZ123AbCdI/AAAAAAAAB2c/qRsTuVwXyZ0abcDEFgh/s16383/photo.jpg",
        ],
    );
    none("https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEiT3kQx9ZpLm/s0/beach.jpg");
    none("https://www.example.com/img/s320/beach.jpg");
}

#[test]
fn wordpress_size_suffix_on_any_host() {
    first(
        "https://blog.example.org/wp-content/uploads/2021/05/sunset-over-the-bay-300x200.jpg",
        "https://blog.example.org/wp-content/uploads/2021/05/sunset-over-the-bay.jpg",
        "wordpress",
    );
    // A number in the name is not a size.
    first(
        "https://blog.example.org/wp-content/uploads/2021/05/img-2048-1-1024x683.png",
        "https://blog.example.org/wp-content/uploads/2021/05/img-2048-1.png",
        "wordpress",
    );
    first(
        "https://blog.example.org/wp-content/uploads/2021/05/logo-150x50@2x.png",
        "https://blog.example.org/wp-content/uploads/2021/05/logo.png",
        "wordpress",
    );
    first(
        "https://news.example.com/wp-content/uploads/2023/11/hero-scaled.jpg",
        "https://news.example.com/wp-content/uploads/2023/11/hero.jpg",
        "wordpress-scaled",
    );
    none("https://blog.example.org/wp-content/uploads/2021/05/sunset-over-the-bay.jpg");
    // The size shape outside /wp-content/uploads/ is somebody else's file name.
    none("https://www.example.com/images/banner-300x200.jpg");
}

#[test]
fn woocommerce_product_thumbnails() {
    first(
        "https://shop.example.com/wp-content/uploads/2023/05/hoodie-with-logo-2-324x324.jpg",
        "https://shop.example.com/wp-content/uploads/2023/05/hoodie-with-logo-2.jpg",
        "wordpress",
    );
}

#[test]
fn jetpack_and_wordpress_com() {
    // Through Photon both the size suffix and ?resize= go.
    first(
        "https://i0.wp.com/blog.example.org/wp-content/uploads/2020/01/photo-300x200.jpg?resize=300%2C200&ssl=1",
        "https://i0.wp.com/blog.example.org/wp-content/uploads/2020/01/photo.jpg",
        "wordpress",
    );
    first(
        "https://i0.wp.com/blog.example.org/wp-content/uploads/2020/01/photo.jpg?resize=768%2C512&ssl=1",
        "https://i0.wp.com/blog.example.org/wp-content/uploads/2020/01/photo.jpg?ssl=1",
        "wordpress-com",
    );
    first(
        "https://someblog.files.wordpress.com/2019/08/img_1234.jpg?w=640&h=427",
        "https://someblog.files.wordpress.com/2019/08/img_1234.jpg",
        "wordpress-com",
    );
    none("https://someblog.files.wordpress.com/2019/08/img_1234.jpg");
}

#[test]
fn shopify_size_suffixes() {
    let base = "https://cdn.shopify.com/s/files/1/0123/4567/products";
    for suffix in [
        "_200x",
        "_200x300",
        "_x300",
        "_large",
        "_grande",
        "_small",
        "_compact",
        "_1024x1024",
        "_200x200_crop_center",
        "_540x@2x",
    ] {
        first(
            &format!("{base}/IMG_4521-linen-shirt{suffix}.jpg?v=1600000000"),
            &format!("{base}/IMG_4521-linen-shirt.jpg?v=1600000000"),
            "shopify",
        );
    }
    // Size in the name and width= together.
    first(
        &format!("{base}/shirt_200x.jpg?v=1600000000&width=300"),
        &format!("{base}/shirt.jpg?v=1600000000"),
        "shopify",
    );
    // A shop's own domain: /cdn/shop/, width= only.
    first(
        "https://www.example-store.com/cdn/shop/products/shirt.jpg?v=1600000000&width=533",
        "https://www.example-store.com/cdn/shop/products/shirt.jpg?v=1600000000",
        "shopify-width",
    );
    first(
        "https://www.example-store.com/cdn/shop/files/Hero_Banner.png?width=3840&height=1200&crop=center",
        "https://www.example-store.com/cdn/shop/files/Hero_Banner.png",
        "shopify-width",
    );
    none(&format!("{base}/IMG_4521-linen-shirt.jpg?v=1600000000"));
    // `_large` outside Shopify paths.
    none("https://www.example.com/images/product_large.jpg?width=300");
    // `_large_2` is part of the name, not a size.
    none(&format!("{base}/product_large_2.jpg"));
}

#[test]
fn wikimedia_thumb_to_original() {
    first(
        "https://upload.wikimedia.org/wikipedia/commons/thumb/a/a9/Example.jpg/220px-Example.jpg",
        "https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg",
        "wikimedia",
    );
    first(
        "https://upload.wikimedia.org/wikipedia/commons/thumb/8/84/Example.svg/200px-Example.svg.png",
        "https://upload.wikimedia.org/wikipedia/commons/8/84/Example.svg",
        "wikimedia",
    );
    first(
        "https://upload.wikimedia.org/wikipedia/en/thumb/6/63/Feynman_Diagram_Gluon_Radiation.svg/lossless-page1-320px-Feynman_Diagram_Gluon_Radiation.svg.png",
        "https://upload.wikimedia.org/wikipedia/en/6/63/Feynman_Diagram_Gluon_Radiation.svg",
        "wikimedia",
    );
    none("https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg");
    none("https://upload.example.org/wikipedia/commons/thumb/a/a9/Example.jpg/220px-Example.jpg");
}

#[test]
fn fandom_scaled_revisions() {
    first(
        "https://static.wikia.nocookie.net/starwars/images/4/48/Chewbacca.png/revision/latest/scale-to-width-down/250?cb=20220208184337",
        "https://static.wikia.nocookie.net/starwars/images/4/48/Chewbacca.png/revision/latest?cb=20220208184337",
        "fandom",
    );
}

#[test]
fn flickr_size_suffixes_climb_never_descend() {
    let id = "https://live.staticflickr.com/65535/51234567890_3f2a1b9c8d";
    exactly(
        &format!("{id}_m.jpg"),
        &[
            &format!("{id}_b.jpg"),
            &format!("{id}_c.jpg"),
            &format!("{id}_z.jpg"),
            &format!("{id}.jpg"),
        ],
    );
    first(
        &format!("{id}_n.jpg"),
        &format!("{id}_b.jpg"),
        "flickr-small",
    );
    // 500 px (no suffix) and 640 (z): only larger sizes follow.
    exactly(
        &format!("{id}.jpg"),
        &[&format!("{id}_b.jpg"), &format!("{id}_c.jpg")],
    );
    exactly(
        &format!("{id}_z.jpg"),
        &[&format!("{id}_b.jpg"), &format!("{id}_c.jpg")],
    );
    exactly(&format!("{id}_c.jpg"), &[&format!("{id}_b.jpg")]);
    // _b is the largest reachable with this secret.
    none(&format!("{id}_b.jpg"));
    none(&format!("{id}_o.jpg"));
    first(
        "https://farm66.staticflickr.com/65535/49876543210_a1b2c3d4e5_z.jpg",
        "https://farm66.staticflickr.com/65535/49876543210_a1b2c3d4e5_b.jpg",
        "flickr-medium",
    );
    none("https://live.example.com/65535/51234567890_3f2a1b9c8d_m.jpg");
}

#[test]
fn ebay_sizes() {
    first(
        "https://i.ebayimg.com/images/g/7YkAAOSwXa9lQm3J/s-l300.jpg",
        "https://i.ebayimg.com/images/g/7YkAAOSwXa9lQm3J/s-l1600.jpg",
        "ebay",
    );
    first(
        "https://i.ebayimg.com/thumbs/images/g/7YkAAOSwXa9lQm3J/s-l225.webp",
        "https://i.ebayimg.com/images/g/7YkAAOSwXa9lQm3J/s-l1600.webp",
        "ebay",
    );
    first(
        "https://i.ebayimg.com/00/s/MTYwMFgxMjAw/z/7YkAAOSwXa9lQm3J/$_12.JPG",
        "https://i.ebayimg.com/00/s/MTYwMFgxMjAw/z/7YkAAOSwXa9lQm3J/$_57.JPG",
        "ebay-legacy",
    );
    none("https://i.ebayimg.com/images/g/7YkAAOSwXa9lQm3J/s-l1600.jpg");
    // Never down from a larger rendition.
    none("https://i.ebayimg.com/images/g/7YkAAOSwXa9lQm3J/s-l2000.jpg");
    none("https://i.example.com/images/g/7YkAAOSwXa9lQm3J/s-l300.jpg");
}

#[test]
fn etsy_listing_images() {
    first(
        "https://i.etsystatic.com/12345678/r/il/3a4b5c/2987654321/il_340x270.2987654321_ab1c.jpg",
        "https://i.etsystatic.com/12345678/r/il/3a4b5c/2987654321/il_fullxfull.2987654321_ab1c.jpg",
        "etsy",
    );
    first(
        "https://i.etsystatic.com/12345678/r/il/3a4b5c/2987654321/il_794xN.2987654321_ab1c.jpg",
        "https://i.etsystatic.com/12345678/r/il/3a4b5c/2987654321/il_fullxfull.2987654321_ab1c.jpg",
        "etsy",
    );
    first(
        "https://i.etsystatic.com/iusa/1a2b3c/87654321/iusa_75x75.87654321_xyz9.jpg?version=0",
        "https://i.etsystatic.com/iusa/1a2b3c/87654321/iusa_fullxfull.87654321_xyz9.jpg?version=0",
        "etsy",
    );
    none(
        "https://i.etsystatic.com/12345678/r/il/3a4b5c/2987654321/il_fullxfull.2987654321_ab1c.jpg",
    );
}

#[test]
fn tumblr_sizes() {
    first(
        "https://64.media.tumblr.com/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b/tumblr_nq2b3cDEf41qz4rgpo1_250.jpg",
        "https://64.media.tumblr.com/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b/tumblr_nq2b3cDEf41qz4rgpo1_1280.jpg",
        "tumblr",
    );
    first(
        "https://64.media.tumblr.com/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b/tumblr_inline_o1abc2DEF3gh4i_500.png",
        "https://64.media.tumblr.com/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b/tumblr_inline_o1abc2DEF3gh4i_1280.png",
        "tumblr",
    );
    exactly(
        "https://64.media.tumblr.com/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d/e5f6a7b8c9d0e1f2-3a/s400x600/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b.jpg",
        &[
            "https://64.media.tumblr.com/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d/e5f6a7b8c9d0e1f2-3a/s2048x3072/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b.jpg",
            "https://64.media.tumblr.com/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d/e5f6a7b8c9d0e1f2-3a/s1280x1920/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b.jpg",
        ],
    );
    none("https://64.media.tumblr.com/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d/e5f6a7b8c9d0e1f2-3a/s2048x3072/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b.jpg");
    none("https://64.media.tumblr.com/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b/tumblr_nq2b3cDEf41qz4rgpo1_1280.jpg");
}

#[test]
fn imgur_size_letter() {
    for letter in ["s", "b", "t", "m", "l", "h"] {
        first(
            &format!("https://i.imgur.com/Xk3Lq9Z{letter}.jpg"),
            "https://i.imgur.com/Xk3Lq9Z.jpg",
            "imgur",
        );
    }
    // Old 5-character ids.
    first(
        "https://i.imgur.com/aB3dEl.png",
        "https://i.imgur.com/aB3dE.png",
        "imgur",
    );
    first(
        "https://i.imgur.com/Xk3Lq9Z_d.webp?maxwidth=760&fidelity=grand",
        "https://i.imgur.com/Xk3Lq9Z.jpg",
        "imgur-dynamic",
    );
    // A 7-character id whose last letter happens to be a size letter is an original.
    none("https://i.imgur.com/Xk3Lq9s.jpg");
    none("https://i.imgur.com/Xk3Lq9Z.jpg");
    none("https://i.example.com/Xk3Lq9Zs.jpg");
}

#[test]
fn reddit_preview_to_i_redd_it() {
    first(
        "https://preview.redd.it/k3x9q2w8v5ab1.jpg?width=640&crop=smart&auto=webp&s=0123456789abcdef0123456789abcdef01234567",
        "https://i.redd.it/k3x9q2w8v5ab1.jpg",
        "reddit-preview",
    );
    first(
        "https://preview.redd.it/my-cat-found-the-sunny-spot-v0-k3x9q2w8v5ab1.png?width=1080&format=png&auto=webp&s=abcdef",
        "https://i.redd.it/k3x9q2w8v5ab1.png",
        "reddit-preview",
    );
    // external-preview proxies other sites: there is no i.redd.it original.
    none("https://external-preview.redd.it/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789.jpg?width=640&crop=smart&auto=webp&s=abc");
    none("https://i.redd.it/k3x9q2w8v5ab1.jpg");
}

#[test]
fn squarespace_format_param() {
    exactly(
        "https://images.squarespace-cdn.com/content/v1/5a1b2c3d4e5f6a7b8c9d0e1f/1600000000000-ABCDEFGHIJKLMNOPQRST/photo.jpg?format=300w",
        &[
            "https://images.squarespace-cdn.com/content/v1/5a1b2c3d4e5f6a7b8c9d0e1f/1600000000000-ABCDEFGHIJKLMNOPQRST/photo.jpg?format=original",
            "https://images.squarespace-cdn.com/content/v1/5a1b2c3d4e5f6a7b8c9d0e1f/1600000000000-ABCDEFGHIJKLMNOPQRST/photo.jpg?format=2500w",
        ],
    );
    first(
        "https://static1.squarespace.com/static/5a1b2c3d4e5f6a7b8c9d0e1f/t/5b2c3d4e5f6a7b8c9d0e1f2a/1600000000000/photo.jpg?format=500w",
        "https://static1.squarespace.com/static/5a1b2c3d4e5f6a7b8c9d0e1f/t/5b2c3d4e5f6a7b8c9d0e1f2a/1600000000000/photo.jpg?format=original",
        "squarespace",
    );
    none("https://images.squarespace-cdn.com/content/v1/5a1b/photo.jpg?format=original");
    none("https://images.example.com/content/v1/5a1b/photo.jpg?format=300w");
}

#[test]
fn cloudinary_transformations() {
    first(
        "https://res.cloudinary.com/demo/image/upload/w_300,h_200,c_fill/v1600000000/sample.jpg",
        "https://res.cloudinary.com/demo/image/upload/v1600000000/sample.jpg",
        "cloudinary",
    );
    // Chained segments, no version.
    first(
        "https://res.cloudinary.com/acme-shop/image/upload/c_scale,w_400/f_auto,q_auto/products/blue_mug.png",
        "https://res.cloudinary.com/acme-shop/image/upload/products/blue_mug.png",
        "cloudinary",
    );
    // A public id folder is not a transformation.
    none("https://res.cloudinary.com/demo/image/upload/v1600000000/photos/sample.jpg");
    none("https://img.example.com/demo/image/upload/w_300/sample.jpg");
}

#[test]
fn imgix_and_unsplash_query_params() {
    first(
        "https://acme.imgix.net/products/mug.jpg?w=300&h=200&fit=crop&auto=format,compress",
        "https://acme.imgix.net/products/mug.jpg",
        "imgix",
    );
    first(
        "https://images.unsplash.com/photo-1506744038136-46273834b3fb?ixlib=rb-4.0.3&auto=format&fit=crop&w=400&q=80",
        "https://images.unsplash.com/photo-1506744038136-46273834b3fb?ixlib=rb-4.0.3",
        "imgix",
    );
    none("https://acme.imgix.net/products/mug.jpg");
    none("https://www.example.com/products/mug.jpg?w=300&h=200");
}

#[test]
fn contentful_sanity_pexels_discord() {
    first(
        "https://images.ctfassets.net/abc123xyz/4Jd5Ab6cD7eF8gH9iJ0kL/0123456789abcdef/hero.jpg?w=300&h=200&fit=fill&fm=webp&q=80",
        "https://images.ctfassets.net/abc123xyz/4Jd5Ab6cD7eF8gH9iJ0kL/0123456789abcdef/hero.jpg",
        "contentful",
    );
    first(
        "https://cdn.sanity.io/images/zp7mbokg/production/2b5c1d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c-1200x800.jpg?w=300&h=200&fit=crop&auto=format",
        "https://cdn.sanity.io/images/zp7mbokg/production/2b5c1d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c-1200x800.jpg",
        "sanity",
    );
    first(
        "https://images.pexels.com/photos/1108099/pexels-photo-1108099.jpeg?auto=compress&cs=tinysrgb&w=600&h=400&dpr=1",
        "https://images.pexels.com/photos/1108099/pexels-photo-1108099.jpeg",
        "pexels",
    );
    first(
        "https://media.discordapp.net/attachments/123456789012345678/987654321098765432/cat.png?ex=65a1b2c3&is=659f3d43&hm=abcdef0123&width=400&height=300",
        "https://media.discordapp.net/attachments/123456789012345678/987654321098765432/cat.png?ex=65a1b2c3&is=659f3d43&hm=abcdef0123",
        "discord-media",
    );
}

#[test]
fn thumbor_embedded_originals() {
    first(
        "https://thumbor.example.com/unsafe/300x200/smart/filters:quality(80)/https://images.example.org/photos/beach.jpg",
        "https://images.example.org/photos/beach.jpg",
        "thumbor",
    );
    first(
        "https://thumbs.example.com/unsafe/fit-in/600x400/filters:format(webp)/https%3A%2F%2Fcdn.example.org%2Fuploads%2Fa%20b.jpg",
        "https://cdn.example.org/uploads/a%20b.jpg",
        "thumbor-encoded",
    );
    // Signed URL, scheme-less original.
    first(
        "https://img.example.com/oIQr7WRGb8rS1eOUq7d5ruhStxI=/0x0:1200x800/640x427/cdn.example.net/2024/03/story.jpg",
        "https://cdn.example.net/2024/03/story.jpg",
        "thumbor-bare",
    );
    // Squashed double slash after the scheme.
    first(
        "https://thumbor.example.com/unsafe/-300x0/https:/images.example.org/a.png",
        "https://images.example.org/a.png",
        "thumbor",
    );
    // An image on Thumbor's own storage carries no original URL.
    none("https://thumbor.example.com/unsafe/300x200/photos/beach.jpg");
}

#[test]
fn nextjs_cloudflare_substack_proxies() {
    first(
        "https://www.example.com/_next/image?url=https%3A%2F%2Fcdn.example.org%2Fposts%2Fcover.png&w=1920&q=75",
        "https://cdn.example.org/posts/cover.png",
        "nextjs-image",
    );
    first(
        "https://www.example.com/_next/image?url=%2Fimages%2Fteam%2Falice.jpg&w=640&q=75",
        "https://www.example.com/images/team/alice.jpg",
        "nextjs-image-local",
    );
    first(
        "https://www.example.com/cdn-cgi/image/width=300,quality=75,format=auto/uploads/avatar.jpg",
        "https://www.example.com/uploads/avatar.jpg",
        "cloudflare-image",
    );
    exactly(
        "https://www.example.com/cdn-cgi/image/fit=cover,width=200/https://assets.example.org/a.jpg",
        &["https://assets.example.org/a.jpg"],
    );
    first(
        "https://substackcdn.com/image/fetch/w_1456,c_limit,f_webp,q_auto:good,fl_progressive:steep/https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2F1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d_1600x900.jpeg",
        "https://substack-post-media.s3.amazonaws.com/public/images/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d_1600x900.jpeg",
        "substack",
    );
}

#[test]
fn jd_sizes() {
    first(
        "https://img14.360buyimg.com/n5/jfs/t1/123456/7/28901/123456/63f1a2b3Fc4d5e6f7/8a9b0c1d2e3f4a5b.jpg",
        "https://img14.360buyimg.com/n0/jfs/t1/123456/7/28901/123456/63f1a2b3Fc4d5e6f7/8a9b0c1d2e3f4a5b.jpg",
        "jd",
    );
    first(
        "https://img10.360buyimg.com/n1/s450x450_jfs/t1/98765/4/3210/98765/5e6f7a8bEc9d0e1f2/3a4b5c6d7e8f9a0b.jpg",
        "https://img10.360buyimg.com/n0/jfs/t1/98765/4/3210/98765/5e6f7a8bEc9d0e1f2/3a4b5c6d7e8f9a0b.jpg",
        "jd",
    );
    first(
        "https://m.360buyimg.com/mobilecms/s750x750_jfs/t1/11111/2/3333/44444/5f6a7b8cE1d2e3f4a/5b6c7d8e9f0a1b2c.jpg!q80.dpg.webp",
        "https://m.360buyimg.com/n0/jfs/t1/11111/2/3333/44444/5f6a7b8cE1d2e3f4a/5b6c7d8e9f0a1b2c.jpg",
        "jd",
    );
    first(
        "https://img14.360buyimg.com/n7/jfs/t1/2222/3/4444/5555/6a7b8c9dE0f1a2b3c/4d5e6f7a8b9c0d1e.jpg.avif",
        "https://img14.360buyimg.com/n0/jfs/t1/2222/3/4444/5555/6a7b8c9dE0f1a2b3c/4d5e6f7a8b9c0d1e.jpg",
        "jd",
    );
    none("https://img14.360buyimg.com/n0/jfs/t1/123456/7/28901/123456/63f1a2b3Fc4d5e6f7/8a9b0c1d2e3f4a5b.jpg");
    none("https://img14.example.com/n5/jfs/t1/1/2/3/4/5.jpg");
}

#[test]
fn gravatar_sizes() {
    first(
        "https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=80&d=identicon",
        "https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=2048&d=identicon",
        "gravatar",
    );
    first(
        "https://secure.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?d=mm&size=96",
        "https://secure.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?d=mm&size=2048",
        "gravatar",
    );
    first(
        "https://gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50",
        "https://gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=2048",
        "gravatar-default-size",
    );
    none("https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=2048");
}

#[test]
fn magento_cache_paths() {
    first(
        "https://shop.example.com/media/catalog/product/cache/0f831c1845fc143d00d6d1ebc49f446a/m/b/mb01-blue-0.jpg",
        "https://shop.example.com/media/catalog/product/m/b/mb01-blue-0.jpg",
        "magento",
    );
    first(
        "https://shop.example.com/media/catalog/product/cache/1/small_image/265x265/9df78eab33525d08d6e5fb8d27136e95/w/s/wsh12-purple_main.jpg",
        "https://shop.example.com/media/catalog/product/w/s/wsh12-purple_main.jpg",
        "magento",
    );
    none("https://shop.example.com/media/catalog/product/m/b/mb01-blue-0.jpg");
}

#[test]
fn medium_wix_ghost() {
    first(
        "https://miro.medium.com/max/700/1*Xk3Lq9ZaBcDeFgHiJkLmNo.png",
        "https://miro.medium.com/max/4096/1*Xk3Lq9ZaBcDeFgHiJkLmNo.png",
        "medium",
    );
    first(
        "https://cdn-images-1.medium.com/fit/c/800/240/1*Xk3Lq9ZaBcDeFgHiJkLmNo.jpeg",
        "https://cdn-images-1.medium.com/max/4096/1*Xk3Lq9ZaBcDeFgHiJkLmNo.jpeg",
        "medium",
    );
    first(
        "https://miro.medium.com/v2/format:webp/resize:fit:1400/1*Xk3Lq9ZaBcDeFgHiJkLmNo.png",
        "https://miro.medium.com/v2/1*Xk3Lq9ZaBcDeFgHiJkLmNo.png",
        "medium-v2",
    );
    first(
        "https://static.wixstatic.com/media/a1b2c3_d4e5f6a7b8c94d0e9f1a2b3c4d5e6f7a~mv2.jpg/v1/fill/w_300,h_200,al_c,q_80,usm_0.66_1.00_0.01,enc_auto/a1b2c3_d4e5f6a7b8c94d0e9f1a2b3c4d5e6f7a~mv2.jpg",
        "https://static.wixstatic.com/media/a1b2c3_d4e5f6a7b8c94d0e9f1a2b3c4d5e6f7a~mv2.jpg",
        "wix",
    );
    first(
        "https://blog.example.com/content/images/size/w600/2023/01/mountain.jpg",
        "https://blog.example.com/content/images/2023/01/mountain.jpg",
        "ghost",
    );
    first(
        "https://blog.example.com/content/images/size/w1000/format/webp/2023/01/mountain.jpg",
        "https://blog.example.com/content/images/2023/01/mountain.jpg",
        "ghost",
    );
}

#[test]
fn youtube_thumbnails_climb() {
    exactly(
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/mqdefault.jpg",
        &[
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/sddefault.jpg",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        ],
    );
    exactly(
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg?sqp=-oaymwEcCNACELwBSFXyq4qpAw4IARUAAIhCGAFwAcABBg==&rs=AOn4CLA",
        &[
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/sddefault.jpg",
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        ],
    );
    exactly(
        "https://i.ytimg.com/vi_webp/dQw4w9WgXcQ/sddefault.webp",
        &["https://i.ytimg.com/vi_webp/dQw4w9WgXcQ/maxresdefault.webp"],
    );
    none("https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg");
}

#[test]
fn bilibili_weibo_zhihu_artstation() {
    first(
        "https://i0.hdslb.com/bfs/archive/7d5b1c3e9f2a4b6c8d0e1f2a3b4c5d6e7f8a9b0c.jpg@672w_378h_1c_!web-home-common-cover.webp",
        "https://i0.hdslb.com/bfs/archive/7d5b1c3e9f2a4b6c8d0e1f2a3b4c5d6e7f8a9b0c.jpg",
        "bilibili",
    );
    first(
        "https://wx1.sinaimg.cn/orj360/006AbCdEly1hkxyz0abcdj30u01hcq5x.jpg",
        "https://wx1.sinaimg.cn/large/006AbCdEly1hkxyz0abcdj30u01hcq5x.jpg",
        "weibo",
    );
    first(
        "https://tvax2.sinaimg.cn/mw690/006AbCdEly1hkxyz0abcdj30u01hcq5x.jpg",
        "https://tvax2.sinaimg.cn/large/006AbCdEly1hkxyz0abcdj30u01hcq5x.jpg",
        "weibo",
    );
    none("https://wx1.sinaimg.cn/large/006AbCdEly1hkxyz0abcdj30u01hcq5x.jpg");
    first(
        "https://pic1.zhimg.com/v2-3b5f8e0a1c2d4e6f8a9b0c1d2e3f4a5b_b.jpg",
        "https://pic1.zhimg.com/v2-3b5f8e0a1c2d4e6f8a9b0c1d2e3f4a5b_r.jpg",
        "zhihu",
    );
    first(
        "https://pic3.zhimg.com/80/v2-3b5f8e0a1c2d4e6f8a9b0c1d2e3f4a5b_720w.webp",
        "https://pic3.zhimg.com/80/v2-3b5f8e0a1c2d4e6f8a9b0c1d2e3f4a5b_r.webp",
        "zhihu",
    );
    exactly(
        "https://cdna.artstation.com/p/assets/images/images/012/345/678/medium/jane-doe-dragon.jpg?1534567890",
        &[
            "https://cdna.artstation.com/p/assets/images/images/012/345/678/4k/jane-doe-dragon.jpg?1534567890",
            "https://cdna.artstation.com/p/assets/images/images/012/345/678/large/jane-doe-dragon.jpg?1534567890",
        ],
    );
}

#[test]
fn urls_that_are_not_web_images_get_nothing() {
    none("not a url");
    none("");
    none("data:image/png;base64,iVBORw0KGgo=");
    none("ftp://img.alicdn.com/x.jpg_220x220.jpg");
    none("file:///home/me/wp-content/uploads/a-300x200.jpg");
    none("https://www.example.com/");
}

#[test]
fn candidates_are_unique_and_never_the_input() {
    // A corpus of every thumbnail above: whatever the rules, the contract holds.
    let thumbs = [
        "https://img.alicdn.com/imgextra/i4/1/O1CN01x_!!1.jpg_430x430q90.jpg_.webp",
        "https://i.pinimg.com/1200x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg",
        "https://i.pinimg.com/736x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.png",
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=4096x4096",
        "https://lh3.googleusercontent.com/AF1QipPx5Hq9XyZabcDEFghiJKLmnoPQRstuVWxyz012=s16383",
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        "https://live.staticflickr.com/65535/51234567890_3f2a1b9c8d_z.jpg",
        "https://64.media.tumblr.com/a/b-3a/s1280x1920/c.jpg",
    ];
    for thumb in thumbs {
        let got = urls(thumb);
        assert!(
            !got.iter().any(|u| u == thumb),
            "{thumb} proposed as its own candidate"
        );
        let mut unique = got.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), got.len(), "duplicates for {thumb}: {got:#?}");
    }
    // The largest sizes are not offered a smaller fallback.
    exactly(
        "https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=4096x4096",
        &["https://pbs.twimg.com/media/FqXyZ1aWcAE3kLm?format=jpg&name=orig"],
    );
    exactly(
        "https://64.media.tumblr.com/a/b-3a/s1280x1920/c.jpg",
        &["https://64.media.tumblr.com/a/b-3a/s2048x3072/c.jpg"],
    );
}

#[test]
fn host_case_and_scheme_are_normalized_before_matching() {
    first(
        "HTTPS://I.PINIMG.COM/236x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg",
        "https://i.pinimg.com/originals/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg",
        "pinterest",
    );
}

#[test]
fn rules_checked_above_by_url_also_name_themselves() {
    first(
        "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_bigger.png",
        "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO.png",
        "twitter-avatar",
    );
    first(
        "https://64.media.tumblr.com/9a8b/e5f6-3a/s640x960/0a1b.png",
        "https://64.media.tumblr.com/9a8b/e5f6-3a/s2048x3072/0a1b.png",
        "tumblr-size-path",
    );
    first(
        "https://www.example.com/cdn-cgi/image/width=200/https://assets.example.org/a.jpg",
        "https://assets.example.org/a.jpg",
        "cloudflare-image-remote",
    );
    first(
        "https://img.youtube.com/vi/dQw4w9WgXcQ/default.jpg",
        "https://img.youtube.com/vi/dQw4w9WgXcQ/maxresdefault.jpg",
        "youtube",
    );
    first(
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/hq720.jpg?sqp=-oaymwEhCK4FEIIDSFryq4qpAxMIARUAAAAAGAElAADIQj0AgKJD&rs=AOn4CLB",
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg",
        "youtube-sd",
    );
    first(
        "https://cdnb.artstation.com/p/assets/images/images/012/345/678/small_square/jane-doe-dragon.jpg?1534567890",
        "https://cdnb.artstation.com/p/assets/images/images/012/345/678/4k/jane-doe-dragon.jpg?1534567890",
        "artstation",
    );
}
